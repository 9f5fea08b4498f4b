/* Stub of Moddable's xsHost.h (nothing netmon_esp.c uses directly). */
