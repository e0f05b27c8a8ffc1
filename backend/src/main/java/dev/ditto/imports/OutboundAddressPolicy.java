package dev.ditto.imports;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one policy for every server-side fetch of a user-given URL (see docs/security.md). It allows public unicast
 * addresses only: every range of the IANA IPv4 and IPv6 special-purpose address registries is refused
 * (loopback, private, shared 100.64/10, link-local, documentation, benchmarking, 0/8, 240/4 and broadcast,
 * IETF protocol assignments with Teredo, 6to4, NAT64 local use, IPv4-mapped and -compatible, unique and site
 * local, discard, ...), so is multicast and anything outside IPv6 global unicast 2000::/3 but NAT64
 * {@code 64:ff9b::/96}, which is judged by the IPv4 address it embeds; and so is every address of this server's own
 * network interfaces. Host names that are numbers are read strictly ({@link #hostRefusal}): only four decimal
 * octets, never the octal, hex or short forms ({@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1},
 * {@code 2130706433}) that resolvers read differently.
 */
public final class OutboundAddressPolicy implements AddressPolicy {

    /** Public unicast addresses that are not this server's own. */
    public static final OutboundAddressPolicy PUBLIC_ONLY = new OutboundAddressPolicy(OutboundAddressPolicy::interfaceAddresses);

    private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern NUMBER_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    private record Range(byte[] prefix, int bits, String name) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private static final List<Range> REFUSED = List.of(
            range("0.0.0.0/8", "a 'this network' address (0.0.0.0/8)"),
            range("10.0.0.0/8", "a private address"),
            range("100.64.0.0/10", "a shared (carrier-grade NAT) address (100.64.0.0/10)"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "a link-local address"),
            range("172.16.0.0/12", "a private address"),
            range("192.0.0.0/24", "an IETF protocol address (192.0.0.0/24)"),
            range("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
            range("192.31.196.0/24", "an AS112 address (192.31.196.0/24)"),
            range("192.52.193.0/24", "an AMT address (192.52.193.0/24)"),
            range("192.88.99.0/24", "a 6to4 relay anycast address (192.88.99.0/24)"),
            range("192.168.0.0/16", "a private address"),
            range("192.175.48.0/24", "an AS112 address (192.175.48.0/24)"),
            range("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
            range("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
            range("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
            range("224.0.0.0/4", "a multicast address"),
            range("255.255.255.255/32", "the broadcast address"),
            range("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
            range("::/128", "the unspecified address"),
            range("::1/128", "a loopback address"),
            range("::ffff:0:0/96", "an IPv4-mapped address (::ffff:0:0/96)"),
            range("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
            range("100::/64", "a discard-only address (100::/64)"),
            range("2001::/32", "a Teredo address (2001::/32)"),
            range("2001::/23", "an IETF protocol address (2001::/23)"),
            range("2001:db8::/32", "a documentation address (2001:db8::/32)"),
            range("2002::/16", "a 6to4 address (2002::/16)"),
            range("2620:4f:8000::/48", "an AS112 address (2620:4f:8000::/48)"),
            range("3fff::/20", "a documentation address (3fff::/20)"),
            range("fc00::/7", "a unique-local address (fc00::/7)"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address (fec0::/10)"),
            range("ff00::/8", "a multicast address"));
    private static final Range NAT64 = range("64:ff9b::/96", "NAT64");
    private static final Range GLOBAL_UNICAST = range("2000::/3", "global unicast");

    private final Supplier<Set<InetAddress>> ownAddresses;

    /** @param ownAddresses this server's own addresses, asked at each check (interfaces come and go) */
    public OutboundAddressPolicy(Supplier<Set<InetAddress>> ownAddresses) {
        this.ownAddresses = ownAddresses;
    }

    @Override
    public @Nullable String refusal(String host, InetAddress address) {
        String special = specialPurpose(address);
        if (special != null) {
            return special;
        }
        byte[] raw = address.getAddress();
        for (InetAddress own : ownAddresses.get()) {
            if (Arrays.equals(own.getAddress(), raw)) {
                return "one of this server's own addresses";
            }
        }
        return null;
    }

    /** Why the address is in a special-purpose (or multicast) range, or null when it is public unicast. */
    public static @Nullable String specialPurpose(InetAddress address) {
        byte[] b = address.getAddress();
        for (Range range : REFUSED) {
            if (range.contains(b)) {
                return range.name();
            }
        }
        if (address instanceof Inet6Address) {
            if (NAT64.contains(b)) {
                String inner = specialPurpose(v4(Arrays.copyOfRange(b, 12, 16)));
                return inner == null ? null : inner + " inside a NAT64 address";
            }
            if (!GLOBAL_UNICAST.contains(b)) {
                return "an address outside IPv6 global unicast (2000::/3)";
            }
        }
        return null;
    }

    /**
     * Why a URL's host may not be fetched before any lookup, or null when it may be resolved: a host whose last
     * label is a number (as the WHATWG URL standard reads it) must be exactly four decimal octets; an IPv6 literal
     * must be one the address checks can judge as written (not IPv4-mapped, which Java would turn into IPv4).
     */
    public static @Nullable String hostRefusal(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.startsWith("[") && h.endsWith("]")) {
            String literal = h.substring(1, h.length() - 1);
            if (literal.contains("%")) {
                return "an IPv6 address with a zone";
            }
            try {
                if (InetAddress.getByName(literal) instanceof Inet4Address) { // Java reads ::ffff:a.b.c.d as IPv4
                    return "an IPv4-mapped address (::ffff:0:0/96)";
                }
            } catch (UnknownHostException e) {
                return "'" + host + "' is not a valid IPv6 address";
            }
            return null;
        }
        String[] labels = h.split("\\.", -1);
        if (!NUMBER_LABEL.matcher(labels[labels.length - 1]).matches()) {
            return null; // a name
        }
        if (labels.length != 4 || !Arrays.stream(labels).allMatch(l -> DECIMAL_OCTET.matcher(l).matches()
                && Integer.parseInt(l) <= 255)) {
            return "'" + host + "' is not an address written as four decimal numbers (octal, hex and short forms "
                    + "are ambiguous and not accepted)";
        }
        return null;
    }

    /** The addresses of every network interface of this machine (up or down); none when they can't be listed. */
    public static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            // no interfaces to list: the special-purpose ranges still hold
        }
        return all;
    }

    private static Range range(String cidr, String name) {
        int slash = cidr.indexOf('/');
        try {
            byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            if (cidr.startsWith("::ffff:")) { // Java turns the mapped prefix into IPv4; rebuild it
                prefix = new byte[16];
                prefix[10] = (byte) 0xff;
                prefix[11] = (byte) 0xff;
            }
            return new Range(prefix, Integer.parseInt(cidr.substring(slash + 1)), name);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }

    private static InetAddress v4(byte[] four) {
        try {
            return InetAddress.getByAddress(four);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
