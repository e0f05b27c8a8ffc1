package dev.ditto.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every special-purpose range, the server's own addresses and the strict reading of numeric hosts. */
class OutboundAddressPolicyTest {
    /** A policy whose "own" address is a public one, to see the own-address rule apart from the ranges. */
    private final OutboundAddressPolicy policy = new OutboundAddressPolicy(() -> Set.of(address("93.184.216.34")));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0|this network", "0.1.2.3|this network", "10.1.2.3|private", "100.64.0.1|shared",
            "100.127.255.254|shared", "127.0.0.1|loopback", "127.200.0.1|loopback", "169.254.169.254|link-local",
            "172.16.0.1|private", "172.31.255.255|private", "192.0.0.9|IETF protocol", "192.0.2.1|documentation",
            "198.51.100.7|documentation", "203.0.113.200|documentation", "198.18.0.1|benchmarking",
            "198.19.255.255|benchmarking", "192.88.99.1|6to4 relay", "192.168.0.1|private", "224.0.0.1|multicast",
            "239.255.255.250|multicast", "240.0.0.1|reserved", "255.255.255.255|broadcast",
            "::|unspecified", "::1|loopback", "::127.0.0.1|outside IPv6 global unicast",
            "64:ff9b::7f00:1|loopback address inside a NAT64", "64:ff9b::c000:201|(192.0.2.0/24) inside a NAT64",
            "64:ff9b:1::8.8.8.8|local-use NAT64", "100::1|discard-only", "2001::1|Teredo",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2|Teredo", "2001:2::1|IETF protocol", "2001:db8::1|documentation",
            "2002:7f00:1::1|6to4", "2002:808:808::1|6to4", "3fff::1|documentation", "fc00::1|unique-local",
            "fd12:3456::1|unique-local", "fe80::1|link-local", "fec0::1|site-local", "ff02::1|multicast",
            "5f00::1|outside IPv6 global unicast", "93.184.216.34|this server's own"})
    void specialPurposeAndOwnAddressesAreRefused(String literal, String reason) {
        assertThat(policy.refusal("host", address(literal))).isNotNull().contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "192.0.3.1",
            "198.20.0.1", "203.0.114.1", "223.255.255.255", "2606:4700:4700::1111", "2a00:1450:4001::1",
            "64:ff9b::808:808"})
    void publicUnicastAddressesPass(String literal) {
        assertThat(policy.refusal("host", address(literal))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0177.0.0.1", "0x7f.1", "0x7f.0.0.1", "127.1", "127.0.1", "2130706433", "017700000001",
            "0x7f000001", "127.0.0.01", "256.1.1.1", "1.2.3.4.5", "foo.0x10", "foo.123", "[::ffff:127.0.0.1]",
            "[::ffff:8.8.8.8]", "[::ffff:7f00:1]", "[fe80::1%25eth0]", "0177.0.0.1."})
    void numericHostsInAmbiguousFormsAreRefusedBeforeAnyLookup(String host) {
        assertThat(OutboundAddressPolicy.hostRefusal(host)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "videos.example.com.", "1e100.net", "8.8.8.8", "0.0.0.0", "[2001:4860::8888]",
            "[::1]", "xn--bcher-kva.example", "123.example"})
    void namesAndPlainDottedQuadsGoOnToTheAddressChecks(String host) {
        assertThat(OutboundAddressPolicy.hostRefusal(host)).isNull();
    }

    @org.junit.jupiter.api.Test
    void theRealPolicyRefusesEveryAddressOfThisMachinesInterfaces() {
        assertThat(OutboundAddressPolicy.interfaceAddresses()).isNotEmpty().allSatisfy(own ->
                assertThat(OutboundAddressPolicy.PUBLIC_ONLY.refusal("self", own)).isNotNull());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
