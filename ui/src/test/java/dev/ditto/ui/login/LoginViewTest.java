package dev.ditto.ui.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.users.TooManySignInsException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;

class LoginViewTest {

    @Test
    void aSignInRefusedByTheThrottleSaysSoAndForHowLong() {
        assertThat(LoginView.tooManyFailures(new TooManySignInsException(Duration.ofSeconds(30)))).hasValueSatisfying(i18n -> {
            assertThat(i18n.getErrorMessage().getTitle()).isEqualTo("Too many failed sign-ins");
            assertThat(i18n.getErrorMessage().getMessage()).isEqualTo("too many failed sign-ins; try again in 30 s");
        });
    }

    @Test
    void aWrongPasswordKeepsTheUsualMessage() {
        assertThat(LoginView.tooManyFailures(new BadCredentialsException("Bad credentials"))).isEmpty();
        assertThat(LoginView.tooManyFailures(null)).isEmpty();
    }
}
