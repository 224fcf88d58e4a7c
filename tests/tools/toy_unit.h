/* SPDX-License-Identifier: MIT */
/*
 * toy_unit.h - a deliberately tiny unit used only by the runner's tests.
 */
#ifndef IOMMUSIM_TESTS_TOY_UNIT_H
#define IOMMUSIM_TESTS_TOY_UNIT_H

#include "model/unit.h"

extern const struct sim_unit_ops toy_unit_ops;

#endif
