package dev.ditto.imports;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a server-side fetch may connect to. The real one is {@link OutboundAddressPolicy#PUBLIC_ONLY};
 * tests plug in their own to reach a local fixture server.
 */
@FunctionalInterface
public interface AddressPolicy {

    /** Why {@code address} (which {@code host} resolved to) may not be fetched from, or null when it may. */
    @Nullable String refusal(String host, InetAddress address);
}
