package dev.ditto.ui.login;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.ditto.users.TooManySignInsException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.WebAttributes;

/** The sign-in page; a sign-in refused by the login throttle says so and for how long. */
@Route("login")
@PageTitle("Sign in · Ditto")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
    private final LoginForm form = new LoginForm();

    public LoginView() {
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        add(new H1("Ditto"), new Paragraph("Instruction-based video-editing data, manufactured and curated."), form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (event.getLocation().getQueryParameters().getParameters().containsKey("error")) {
            // the failure Spring Security's failure handler left in the session
            VaadinSession session = VaadinSession.getCurrent();
            Object last = session == null ? null : session.getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            tooManyFailures(last).ifPresent(form::setI18n);
            form.setError(true);
        }
    }

    /**
     * When the last sign-in was refused by the login throttle, the form's words for it: the same as the API's 429,
     * "too many failed sign-ins; try again in N s".
     */
    static Optional<LoginI18n> tooManyFailures(@Nullable Object lastFailure) {
        if (!(lastFailure instanceof TooManySignInsException tooMany)) {
            return Optional.empty();
        }
        LoginI18n i18n = LoginI18n.createDefault();
        LoginI18n.ErrorMessage error = new LoginI18n.ErrorMessage();
        error.setTitle("Too many failed sign-ins");
        error.setMessage(tooMany.getMessage());
        i18n.setErrorMessage(error);
        return Optional.of(i18n);
    }
}
