// The public headers compile as C++ and declare C linkage (extern "C" guards).
#include <ntkbench.h>

int main()
{
    return ntkb_status_exit_code(NTKB_OK) + (NTKB_VERSION_NUMBER > 0 ? 0 : 1);
}
