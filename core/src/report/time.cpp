#include "kubecensus/report/time.h"
