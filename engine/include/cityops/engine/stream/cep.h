#pragma once

// The CEP library of the embedded stream engine (Flink CEP semantics, event time, keyed):
//   Pattern<T>        cep_pattern.h   begin / next / followedBy / followedByAny, where, quantifiers
//   Match<T>          cep_match.h     all matched events by stage name
//   CepOperator<T,O>  cep_operator.h  the KeyedOperator that runs a pattern per key
//   rules             cep_rules.h     the design's CO2 and emergency rules over Reading → Alert
// Semantics, skip strategies and costs: engine/src/stream/cep/README.md.

#include "cityops/engine/stream/cep_match.h"
#include "cityops/engine/stream/cep_operator.h"
#include "cityops/engine/stream/cep_pattern.h"
#include "cityops/engine/stream/cep_rules.h"
