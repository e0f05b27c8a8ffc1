package dev.ditto.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;

/**
 * The provider behind both sign-in paths, driven here through a form login filter as the dashboard's (the backend's
 * test application has no Vaadin): lockout on the form path, and the same hash work for unknown usernames.
 */
class ThrottledAuthenticationProviderTest {
    private final AtomicInteger hashChecks = new AtomicInteger();
    private final PasswordEncoder delegate = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final PasswordEncoder encoder = new PasswordEncoder() {
        @Override public String encode(CharSequence raw) { return delegate.encode(raw); }
        @Override public boolean matches(CharSequence raw, String encoded) {
            hashChecks.incrementAndGet();
            return delegate.matches(raw, encoded);
        }
    };
    private final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
            User.withUsername("erin").password(delegate.encode("erin-password")).roles("VIEWER").build(),
            User.withUsername("frank").password(delegate.encode("frank-password")).roles("VIEWER").disabled(true).build());
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Settings(5, 50, Duration.ofSeconds(30), Duration.ofMinutes(15)), Clock.systemUTC(), l -> { });
    private final ThrottledAuthenticationProvider provider = new ThrottledAuthenticationProvider(users, encoder, throttle);

    private MockHttpServletResponse formLogin(MockHttpServletRequest request, String username, String password) throws Exception {
        var filter = new UsernamePasswordAuthenticationFilter(new ProviderManager(provider));
        filter.setAuthenticationFailureHandler(new SimpleUrlAuthenticationFailureHandler("/login?error"));
        request.setMethod("POST");
        request.setRequestURI("/login");
        request.setServletPath("/login");
        request.setRemoteAddr("10.1.2.3");
        request.setParameter("username", username);
        request.setParameter("password", password);
        var response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void theDashboardsFormLoginIsLockedOutAfterFiveFailuresAndTheSignInPageFindsWhy() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(formLogin(new MockHttpServletRequest(), "erin", "wrong-" + i).getRedirectedUrl()).isEqualTo("/login?error");
        }
        var request = new MockHttpServletRequest();
        var refused = formLogin(request, "erin", "erin-password");
        assertThat(refused.getRedirectedUrl()).isEqualTo("/login?error");
        // what LoginView reads to say "too many failed sign-ins; try again in N s"
        assertThat(request.getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION))
                .isInstanceOfSatisfying(TooManySignInsException.class, e ->
                        assertThat(e.getMessage()).matches("too many failed sign-ins; try again in (30|29) s"));
        assertThat(throttle.lockouts()).extracting(LoginThrottle.Lockout::key).containsExactly("account:erin");

        throttle.unlock("account:erin");
        assertThat(formLogin(new MockHttpServletRequest(), "erin", "erin-password").getRedirectedUrl()).as("signed in").isEqualTo("/");
    }

    @Test
    void anUnknownUsernameCostsTheSameHashWorkAndADisabledOneIsOnlyToldAfterItsPassword() {
        hashChecks.set(0);
        assertThatThrownBy(() -> provider.authenticate(token("erin", "wrong"))).isInstanceOf(BadCredentialsException.class);
        int known = hashChecks.getAndSet(0);
        assertThatThrownBy(() -> provider.authenticate(token("nobody-at-all", "wrong"))).isInstanceOf(BadCredentialsException.class);
        assertThat(hashChecks.getAndSet(0)).isEqualTo(known).isEqualTo(1);
        assertThatThrownBy(() -> provider.authenticate(token("frank", "wrong"))).isInstanceOf(BadCredentialsException.class);
        assertThat(hashChecks.getAndSet(0)).isEqualTo(1);
        assertThatThrownBy(() -> provider.authenticate(token("frank", "frank-password"))).isInstanceOf(DisabledException.class);
    }

    @Test
    void aRefusedAttemptChecksNoPassword() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> provider.authenticate(token("erin", "wrong"))).isInstanceOf(BadCredentialsException.class);
        }
        hashChecks.set(0);
        assertThatThrownBy(() -> provider.authenticate(token("erin", "erin-password"))).isInstanceOf(TooManySignInsException.class);
        assertThat(hashChecks.get()).isZero();
    }

    private static UsernamePasswordAuthenticationToken token(String username, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(username, password);
    }
}
