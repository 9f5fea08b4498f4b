/*
 * netmon-native — our declaration of the XS compiler's `native` form, for type-checking
 * hardware/esp32 on its own (Moddable's build declares it through the SDK's xs.d.ts).
 *
 * `native("xs_name")` must be called with exactly one string literal; XS binds it to the C host
 * function of that name at compile time. Callers cast the result to the function's real type.
 */

declare function native(name: string): (...args: never[]) => unknown;
