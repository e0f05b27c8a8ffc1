package dev.ditto.users;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request authenticated by a personal API token: it acts as the token's owner ({@link #getName()}, so audit entries
 * name the owner) with the token's role. Holds no secret.
 */
public final class ApiTokenAuthentication extends AbstractAuthenticationToken {
    private final String username;
    private final long tokenId;

    ApiTokenAuthentication(String username, long tokenId, Role role) {
        super(List.of(new SimpleGrantedAuthority(role.authority())));
        this.username = username;
        this.tokenId = tokenId;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return username;
    }

    @Override
    public String getName() {
        return username;
    }

    /** The id of the token that was presented. */
    public long tokenId() {
        return tokenId;
    }
}
