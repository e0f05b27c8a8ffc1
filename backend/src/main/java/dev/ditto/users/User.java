package dev.ditto.users;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A person with a login. */
public record User(long id, String username, @Nullable String displayName, Role role, boolean enabled,
                   Instant createdAt, @Nullable Instant lastLoginAt) {}
