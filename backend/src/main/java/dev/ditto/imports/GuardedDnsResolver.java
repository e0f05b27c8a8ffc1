package dev.ditto.imports;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The HTTP client's resolver: resolves each host once, checks every address against the policy, and pins the
 * checked addresses for the rest of the import, so every connection (and every redirect hop to the same host)
 * goes to exactly what was checked. A DNS answer that changes after the first look (DNS rebinding) is never asked
 * for.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final HostResolver resolver;
    private final AddressPolicy policy;
    private final Map<String, InetAddress[]> pinned = new ConcurrentHashMap<>();

    GuardedDnsResolver(HostResolver resolver, AddressPolicy policy) {
        this.resolver = resolver;
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] known = pinned.get(bare);
        if (known != null) {
            return known.clone();
        }
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
        pinned.put(bare, addresses.clone());
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
