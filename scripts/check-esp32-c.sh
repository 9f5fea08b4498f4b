#!/bin/sh
# check-esp32-c.sh IDF_PATH MODDABLE — developer check, not run by CI (docs/esp32.md).
#
# 1. Compiles hardware/esp32/*.c with -fsyntax-only, then with -O2 -S -o /dev/null (middle-end
#    warnings), and ESP-IDF's default warning flags (tools/cmake/build.cmake,
#    __build_set_default_build_specifications) with every warning an error,
#    against the esp32 target's include folders of an ESP-IDF checkout (with its
#    components/lwip/lwip submodule) and the Moddable SDK's XS headers. Host gcc is enough (nothing
#    is assembled); a minimal sdkconfig.h, an empty mc.defines.h and two newlib stand-ins are
#    written to a temp folder and removed afterwards.
# 2. Checks that every CONFIG_* name used in docs/esp32.md and hardware/esp32/sdkconfig*/ is
#    declared by a `config NAME` line in one of ESP-IDF's Kconfig files.
#
# Exit status: 0 when both pass, 1 on any error, 2 on bad arguments.
set -eu

if [ $# -ne 2 ] || [ ! -d "$1/components" ] || [ ! -d "$2/xs/includes" ]; then
	echo "usage: $0 IDF_PATH MODDABLE   (an ESP-IDF checkout and a Moddable SDK checkout)" >&2
	exit 2
fi
IDF=$1
MOD=$2
HERE=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
if [ ! -f "$IDF/components/lwip/lwip/src/include/lwip/tcp.h" ]; then
	echo "$IDF/components/lwip/lwip is empty: check out the submodule (espressif/esp-lwip)" >&2
	exit 2
fi

# The few options the headers on our include path need (ESP-IDF's esp32 defaults).
write_sdkconfig() {
	cat <<'SDK'
#pragma once
#define CONFIG_IDF_TARGET "esp32"
#define CONFIG_IDF_TARGET_ESP32 1
#define CONFIG_IDF_TARGET_ARCH_XTENSA 1
#define CONFIG_FREERTOS_HZ 100
#define CONFIG_FREERTOS_NUMBER_OF_CORES 2
#define CONFIG_LWIP_IPV4 1
#define CONFIG_LWIP_IPV6 1
#define CONFIG_LWIP_MAX_ACTIVE_TCP 16
#define CONFIG_LWIP_MAX_LISTENING_TCP 16
#define CONFIG_LWIP_MAX_UDP_PCBS 16
#define CONFIG_LWIP_MAX_SOCKETS 10
#define CONFIG_LWIP_TCP_MSS 1440
#define CONFIG_LWIP_TCPIP_RECVMBOX_SIZE 32
#define CONFIG_LOG_DEFAULT_LEVEL 3
#define CONFIG_LOG_MAXIMUM_LEVEL 3
#define CONFIG_FREERTOS_MAX_TASK_NAME_LEN 16
#define CONFIG_FREERTOS_TASK_NOTIFICATION_ARRAY_ENTRIES 1
#define CONFIG_LWIP_DHCP_COARSE_TIMER_SECS 1
#define CONFIG_LWIP_TCP_OVERSIZE_MSS 1
#define CONFIG_LWIP_IPV6_NUM_ADDRESSES 3
SDK
}

# Every CONFIG_* name in docs/esp32.md and hardware/esp32/sdkconfig*/ must be a Kconfig option.
check_kconfig() {
	idf=$1
	repo=$2
	names=$(grep -ho 'CONFIG_[A-Z0-9][A-Z0-9_]*' "$repo/docs/esp32.md" "$repo"/hardware/esp32/sdkconfig*/* | sort -u)
	missing=0
	for name in $names; do
		option=${name#CONFIG_}
		where=$(grep -rlE --include='Kconfig*' "^[[:space:]]*(menu)?config[[:space:]]+$option[[:space:]]*\$" "$idf/components" | head -1)
		if [ -n "$where" ]; then
			echo "ok   $name  (${where#"$idf"/})"
		else
			echo "FAIL $name is not a Kconfig option of this ESP-IDF"
			missing=1
		fi
	done
	return $missing
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
write_sdkconfig > "$TMP/sdkconfig.h"
: > "$TMP/mc.defines.h"
# Host glibc stands in for the toolchain's newlib; the xtensa headers only need its struct _reent.
mkdir -p "$TMP/sys" "$TMP/machine"
printf '#pragma once\n#include <endian.h>\n' > "$TMP/machine/endian.h"
# (esp_libc/platform_include would replace glibc's own headers, so only esp_newlib.h is taken.)
ln -s "$IDF/components/esp_libc/platform_include/esp_newlib.h" "$TMP/esp_newlib.h"
printf '#pragma once\nstruct _reent { int _errno; };\nextern struct _reent *_impure_ptr;\n' > "$TMP/sys/reent.h"

C=$IDF/components
# Ours (-I: their warnings are errors) and the SDKs' (-isystem: the host is LP64, the ESP32
# ILP32, so IDF headers warn about pointer/integer casts that are right on the target).
OURS="-I$TMP -I$HERE/hardware/esp32"
INCLUDES="$MOD/xs/includes
$MOD/xs/sources
$MOD/xs/platforms/esp
$MOD/xs/platforms
$C/lwip/include
$C/lwip/include/apps
$C/lwip/port/include
$C/lwip/port/freertos/include
$C/lwip/port/esp32xx/include
$C/lwip/lwip/src/include
$C/esp_netif/include
$C/esp_common/include
$C/esp_system/include
$C/esp_hw_support/include
$C/esp_hw_support/include/soc
$C/esp_hw_support/etm/include
$C/esp_hw_support/dma/include
$C/esp_hw_support/ldo/include
$C/esp_hw_support/debug_probe/include
$C/esp_hw_support/mspi/include
$C/esp_hw_support/port/esp32/include
$C/esp_hw_support/port/esp32
$C/esp_rom/include
$C/esp_rom/esp32/include
$C/esp_rom/esp32/include/esp32
$C/esp_rom/esp32
$C/esp_event/include
$C/esp_timer/include
$C/esp_partition/include
$C/esp_blockdev/include
$C/spi_flash/include
$C/esp_wifi/include
$C/esp_security/include
$C/log/include
$C/heap/include
$C/soc/include
$C/soc/esp32/include
$C/soc/esp32/register
$C/hal/include
$C/hal/esp32/include
$C/hal/platform_port/include
$C/esp_hal_gpio/include
$C/esp_hal_gpio/esp32/include
$C/xtensa/include
$C/xtensa/esp32/include
$C/xtensa/deprecated_include
$C/freertos/config/include
$C/freertos/config/include/freertos
$C/freertos/config/xtensa/include
$C/freertos/FreeRTOS-Kernel/include
$C/freertos/FreeRTOS-Kernel/include/freertos
$C/freertos/FreeRTOS-Kernel/portable/xtensa/include
$C/freertos/FreeRTOS-Kernel/portable/xtensa/include/freertos
$C/freertos/esp_additions/include
$C/vfs/include
$C/pthread/include"
IFLAGS=""
for dir in $INCLUDES; do
	if [ -d "$dir" ]; then IFLAGS="$IFLAGS -isystem $dir"; fi
done

# ESP-IDF v6.0 tools/cmake/build.cmake: -Wall -Werror -Wno-error=unused-function
# -Wno-error=unused-variable -Wno-error=unused-but-set-variable -Wno-error=deprecated-declarations
# -Wextra -Wno-error=extra -Wno-unused-parameter -Wno-sign-compare -Wno-enum-conversion, C gnu23.
# Here stricter: every warning is an error (also the -Wextra ones ESP-IDF lets through).
STD=-std=gnu2x
WARN="-Wall -Werror -Werror=all -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-enum-conversion"
DEFS="-D_GNU_SOURCE -DESP_PLATFORM -DIDF_VER=\"v6.0\" -DESP32=1 -D__XTENSA__=1 -DmxDebug=1"

# Pass 1 is -fsyntax-only. It skips the middle end, so warnings such as unused-function and
# maybe-uninitialized never fire; pass 2 compiles to assembly text (-O2 -S, nothing assembled,
# host gcc is fine) so that they do.
status=0
for src in "$HERE"/hardware/esp32/*.c; do
	for pass in "-fsyntax-only" "-O2 -S -o /dev/null"; do
		if $CC $pass $STD $WARN $DEFS $OURS $IFLAGS "$src"; then
			echo "ok   $(basename "$src")  ($pass)"
		else
			echo "FAIL $(basename "$src")  ($pass)"
			status=1
		fi
	done
done

check_kconfig "$IDF" "$HERE" || status=1
exit $status
