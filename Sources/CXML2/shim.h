// libxml2's tree parser, for the XML answers of AWS's Query APIs.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
