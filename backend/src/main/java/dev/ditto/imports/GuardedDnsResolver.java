package dev.ditto.imports;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The HTTP client's resolver: resolves, checks every address against the policy, and hands back only checked
 * addresses, so the socket connects to exactly what was checked. Because the check happens here, at connect
 * time, a DNS answer that changes between a first look and the connection (DNS rebinding) is caught too.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final HostResolver resolver;
    private final AddressPolicy policy;

    GuardedDnsResolver(HostResolver resolver, AddressPolicy policy) {
        this.resolver = resolver;
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses.length == 0) {
            throw new UnknownHostException(bare + " has no address");
        }
        for (InetAddress address : addresses) {
            String reason = policy.refusal(bare, address);
            if (reason != null) {
                throw new RefusedAddressException(bare + " resolves to " + address.getHostAddress() + ", " + reason
                        + "; imports fetch from public addresses only.");
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
