#pragma once

// The reporting projection: the call history (a row per call started) and the stats
// summed from it (per agent and hour), plus real-time counts. One fold over an ordered
// key-value view (reporting_fold.hpp); the queries read the same view
// (reporting_queries.hpp); the keys are laid out in reporting_keys.hpp.

#include "actors/projections/reporting_fold.hpp"
#include "actors/projections/reporting_queries.hpp"
