/* heuristics.c — finding the four protocols on any port (issue 12). Stub.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ts-compat.h"
#include "troubleshark.h"
