// OpenCC's C interface (libopencc-dev on Debian, opencc on Homebrew). Debian installs it under
// /usr/include/opencc, a default search path's subfolder; elsewhere pkg-config's -I<prefix>/include/opencc finds it.
#if __has_include(<opencc/opencc.h>)
#include <opencc/opencc.h>
#else
#include <opencc.h>
#endif
