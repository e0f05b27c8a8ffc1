package dev.ditto.users;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Username and password sign-in (the API's HTTP Basic and the dashboard's form) through the {@link LoginThrottle}:
 * a locked-out account or address is refused before its password is checked, a wrong password (or an unknown
 * username) is counted, the right one resets the counts.
 *
 * <p>An unknown username costs the same password-hash work as a known one ({@link DaoAuthenticationProvider}
 * checks the given password against a dummy hash made by the same encoder), and a disabled account is only told
 * so after its password was checked, so neither the answer nor its timing tells which usernames exist.
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {
    private final DaoAuthenticationProvider passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationProvider(UserDetailsService users, PasswordEncoder encoder, LoginThrottle throttle) {
        this.passwords = new DaoAuthenticationProvider(users);
        this.passwords.setPasswordEncoder(encoder);
        // the account's status after its password: a disabled account answers as fast as any other
        this.passwords.setPreAuthenticationChecks(user -> { });
        this.passwords.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = String.valueOf(authentication.getName());
        String address = authentication.getDetails() instanceof WebAuthenticationDetails web && web.getRemoteAddress() != null
                ? web.getRemoteAddress() : "unknown";
        Optional<Duration> refusal = throttled(() -> throttle.refusal(username, address));
        if (refusal.isPresent()) {
            throw new TooManySignInsException(refusal.get());
        }
        try {
            Authentication result = passwords.authenticate(authentication);
            throttled(() -> {
                throttle.succeeded(username, address);
                return null;
            });
            return result;
        } catch (BadCredentialsException e) { // a wrong password or an unknown username, alike
            throttled(() -> {
                throttle.failed(username, address);
                return null;
            });
            throw e;
        }
    }

    /**
     * The throttle's counts live in the database: when it can't be reached the sign-in could not be checked, which is
     * said as such (the API answers 503, the dashboard's form its usual error), as when the password can't be read.
     */
    private static <T> T throttled(Supplier<T> step) {
        try {
            return step.get();
        } catch (DataAccessException e) {
            throw new InternalAuthenticationServiceException("sign-in counts could not be read or written: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
