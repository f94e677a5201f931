#ifndef SNAPSTEP_CSQLITE_SHIM_H
#define SNAPSTEP_CSQLITE_SHIM_H

#include <sqlite3.h>

#endif
