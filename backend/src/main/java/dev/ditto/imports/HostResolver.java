package dev.ditto.imports;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name (or an address literal) into its addresses; the system resolver unless a test gives another. */
@FunctionalInterface
public interface HostResolver {
    /** The JDK's resolver (DNS, hosts file). */
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
