/* hessian2.c — bounded Hessian 2 / Hessian 1 value decoder (see hessian2.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hessian2.h"

void hessian_register_fields(int proto)
{
    (void)proto; /* implemented with issue 9 */
}
