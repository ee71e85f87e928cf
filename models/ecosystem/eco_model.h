/*
 * eco_model: the ecosystem model of digital-twin business ecosystems (SPEC.md), as a
 * sim_model_type.
 *
 * This version builds the operations layer: companies with assets serving customer orders
 * (multi-server FCFS stations, optional finite buffer), Weibull asset lives on a busy or
 * calendar aging clock, failures with preemptive-resume, maintenance crews with queues and
 * priorities, perfect and minimal repair, age-based preventive maintenance and twin-based
 * PM from each company's own data (SPEC 7.1-7.7), with the metrics of SPEC 8.1-8.4.
 */
#ifndef ECO_MODEL_H
#define ECO_MODEL_H

#include "sim_model.h"

extern const sim_model_type eco_model_type;

#endif
