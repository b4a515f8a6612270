/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_VERSION_H
#define CRIU_VERSION_H

/*
 * The CRIU interface version this engine implements.  Clients (runc, Podman,
 * go-criu) compare it to decide which options and RPC fields they may use, so
 * it names the CRIU release whose command line and images we match.
 */
#define CRIU_VERSION_MAJOR 4
#define CRIU_VERSION_MINOR 1
#define CRIU_VERSION_SUBLEVEL 0
#define CRIU_VERSION "4.1"

#endif
