/* Podman's masked and read-only paths, applied after pivot_root. */
#pragma once

/* A directory gets an empty read-only tmpfs, anything else /dev/null bound
 * over it (read-only). A missing path is skipped. */
void mask_path(int rootfd, const char *path);

/* Bind the path onto itself and make it read-only, recursively. Missing: skipped. */
void readonly_path(int rootfd, const char *path);
