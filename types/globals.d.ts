/*
 * globals — our own declarations of the XS/Moddable globals the firmware glue uses (main.ts,
 * hardware/moddable, hardware/sim). Written from the documented behaviour, not copied from the SDK.
 */

/** Writes text to the debug console (xsbug, or stdout in the simulator). */
declare function trace(...text: (string | number)[]): void;

/** A read-only buffer in flash (a Resource) that host code hands to JS. */
declare class HostBuffer extends ArrayBuffer {}
