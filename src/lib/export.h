/* SPDX-License-Identifier: MIT */
/*
 * Forced into every source of libshmtop (-include): the library is built
 * with -fvisibility=hidden, and this gives the declarations of the public
 * header, which are the first each function sees, default visibility.  So
 * only shmtop_* leave the shared library (the version script says the same)
 * and, once the static library's hidden symbols are made local, only they
 * leave the static one: a program that has its own record_read() or
 * parse_u64() links with either.
 */
#ifndef SHMTOP_LIB_EXPORT_H
#define SHMTOP_LIB_EXPORT_H

#pragma GCC visibility push(default)
#include "shmtop/shmtop.h"
#pragma GCC visibility pop

#endif
