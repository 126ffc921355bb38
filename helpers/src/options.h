/* Parsing `--name VALUE` / `--name=VALUE` mode options. */
#pragma once

/* The value if argv[*i] is option `name` (advancing *i past a separate
 * value), else NULL. Dies if the value is missing. */
const char *option_value(int argc, char **argv, int *i, const char *name);
