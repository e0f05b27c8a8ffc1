package dev.ditto.imports;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a URL import may connect to. The default allows public unicast addresses only, so an import
 * can't be turned against the server itself or the network it sits in (loopback, private, link-local, unique
 * local, carrier-grade NAT, multicast, unspecified, and IPv6 forms that embed such an IPv4 address).
 */
@FunctionalInterface
public interface AddressPolicy {

    /** Public unicast addresses only. */
    AddressPolicy PUBLIC_ONLY = (host, address) -> nonPublicReason(address);

    /** Why {@code address} (which {@code host} resolved to) may not be fetched from, or null when it may. */
    @Nullable String refusal(String host, InetAddress address);

    /** Why the address is not a public unicast one, or null when it is. */
    static @Nullable String nonPublicReason(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            if (a0 == 0) {
                return "a 'this network' address (0.0.0.0/8)";
            }
            if (a0 == 100 && a1 >= 64 && a1 <= 127) {
                return "a carrier-grade NAT address (100.64.0.0/10)";
            }
            if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
                return "an IETF protocol address (192.0.0.0/24)";
            }
            if (a0 == 198 && (a1 == 18 || a1 == 19)) {
                return "a benchmarking address (198.18.0.0/15)";
            }
            if (a0 >= 240) {
                return "a reserved or broadcast address (240.0.0.0/4)";
            }
            return null;
        }
        if (address instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local address (fc00::/7)";
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "a site-local address (fec0::/10)";
            }
            byte[] embedded = null;
            if (v6.isIPv4CompatibleAddress()) {
                embedded = Arrays.copyOfRange(b, 12, 16);
            } else if (isMapped(b) || isNat64(b)) {
                embedded = Arrays.copyOfRange(b, 12, 16);
            } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                embedded = Arrays.copyOfRange(b, 2, 6); // 6to4
            }
            if (embedded != null) {
                try {
                    String inner = nonPublicReason(InetAddress.getByAddress(embedded));
                    return inner == null ? null : inner + " inside an IPv6 address";
                } catch (UnknownHostException e) {
                    return "an IPv6 address with an unreadable embedded IPv4 address";
                }
            }
        }
        return null;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static boolean isNat64(byte[] b) {
        return (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    }
}
