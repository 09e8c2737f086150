/* hessian2.h — bounded Hessian 2 / Hessian 1 value decoder (HSF2, Dubbo).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TS_HESSIAN2_H
#define TS_HESSIAN2_H

#include "ts-compat.h"

void hessian_register_fields(int proto);

#endif /* TS_HESSIAN2_H */
