// A stand-in for Windows' bcryptprimitives.dll, for the packaging test under Wine older than 8.13
// (Debian 12 has 8.0), which lacks it. Go's runtime needs its ProcessPrng on Windows 10 and later,
// where the real DLL is always present: this file is never shipped, only copied into the test's
// throwaway Wine prefix. ProcessPrng fills the buffer from RtlGenRandom (advapi32's
// SystemFunction036), which Wine has.
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n)) {
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}
