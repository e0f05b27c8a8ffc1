package dev.ditto.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts secret settings at rest with AES-256-GCM: a fresh 12-byte nonce per value and the setting's key as
 * associated data, so a stored value cannot be moved to another setting. Stored form: {@code enc:v1:<base64(nonce
 * ‖ ciphertext ‖ tag)>}. The key comes from {@code ditto.settings.secret-key} (base64 of 32 bytes) or from a key
 * file, generated on first use with owner-only permissions (600).
 */
final class SecretCipher {
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    SecretCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the settings secret key must be 32 bytes (AES-256), was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The configured key if there is one, else the key file's, generated when the file does not exist yet. */
    static SecretCipher fromConfiguration(@Nullable String base64Key, Path keyFile) {
        if (base64Key != null && !base64Key.isBlank()) {
            try {
                return new SecretCipher(Base64.getDecoder().decode(base64Key.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ditto.settings.secret-key must be the base64 of 32 random bytes "
                        + "(e.g. `openssl rand -base64 32`): " + e.getMessage(), e);
            }
        }
        try {
            if (!Files.exists(keyFile)) {
                generate(keyFile);
            }
            return new SecretCipher(Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.US_ASCII).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the settings key file " + keyFile
                    + "; set ditto.settings.secret-key or make the data folder writable", e);
        }
    }

    private static void generate(Path keyFile) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        try {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException raced) {
            return; // another replica on the same data folder wrote it first
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(keyFile);
        }
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    }

    static boolean isEncrypted(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** The stored form of {@code plain} for setting {@code settingKey}; an empty value stays empty (= cleared). */
    String encrypt(String settingKey, String plain) {
        if (plain.isEmpty()) {
            return "";
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(settingKey.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encrypting setting " + settingKey + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The plain value of a stored one. A value without the prefix is a plaintext row from before encryption and is
     * returned as it is (start-up re-encrypts such rows).
     *
     * @throws IllegalStateException the value was encrypted with another key or was altered
     */
    String decrypt(String settingKey, String stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(settingKey.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("setting " + settingKey + " cannot be decrypted with this server's key "
                    + "(ditto.settings.secret-key or the key file changed?); set it again in Settings", e);
        }
    }
}
