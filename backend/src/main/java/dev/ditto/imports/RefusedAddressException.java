package dev.ditto.imports;

import java.net.UnknownHostException;

/** A host resolved to an address the {@link AddressPolicy} refuses; thrown where a resolver may fail. */
final class RefusedAddressException extends UnknownHostException {
    RefusedAddressException(String message) {
        super(message);
    }
}
