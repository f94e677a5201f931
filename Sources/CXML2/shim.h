// libxml2's streaming reader, for the XML answers of AWS's Query APIs.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
