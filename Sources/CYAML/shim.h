#ifndef SNAPSTEP_CYAML_SHIM_H
#define SNAPSTEP_CYAML_SHIM_H

#include <yaml.h>

#endif
