#include "kubecensus/config/config.h"
