package dev.ditto.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The bearer secrets the server hands out (runner tokens, personal API tokens): a kind prefix and 32 random bytes,
 * URL-safe Base64; kept at rest only as their SHA-256.
 */
public final class BearerSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BearerSecrets() {}

    /** A new secret: {@code prefix} and 32 bytes from {@link SecureRandom}. */
    public static String mint(String prefix) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** What is stored of a secret: its SHA-256, hex. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
