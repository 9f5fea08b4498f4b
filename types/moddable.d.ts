/* moddable — entry that pulls in all our Moddable declarations (listed in the manifest's typescript types). */
/// <reference path="./globals.d.ts" />
/// <reference path="./timer.d.ts" />
/// <reference path="./time.d.ts" />
/// <reference path="./preference.d.ts" />
/// <reference path="./resource.d.ts" />
/// <reference path="./mc-config.d.ts" />
/// <reference path="./tcp.d.ts" />
/// <reference path="./tls.d.ts" />
/// <reference path="./sntp.d.ts" />
/// <reference path="./net.d.ts" />
/// <reference path="./instrumentation.d.ts" />
