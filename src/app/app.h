/*
 * app.h - immosync's subcommands (src/app/cmd_*.c) and what they share.
 */
#ifndef IMMO_APP_APP_H
#define IMMO_APP_APP_H

#define APP_PROGRAM "immosync"

int cmd_serve(int argc, char **argv);

#endif
