/* Choice of the scan variants (smo_scan.h). */
#include "smo_scan.h"

ntkb_smo_scans ntkb_smo_scans_pick(void)
{
    ntkb_smo_scans s = {NTKB_MV_PICK(ntkb_smo_scan_up), NTKB_MV_PICK(ntkb_smo_scan_update),
                        NTKB_MV_PICK(ntkb_smo_scan_low), NTKB_MV_PICK(ntkb_smo_last_ext)};
    return s;
}
