// glibc's malloc tuning, which Swift's Glibc module leaves out: `mallopt` and its `M_*` parameters.
#include <malloc.h>
