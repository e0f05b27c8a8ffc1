package dev.ditto.ui;

import static com.vaadin.flow.spring.security.VaadinSecurityConfigurer.vaadin;

import dev.ditto.ui.login.LoginView;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The dashboard's security: form login backed by the users table; every view declares the roles it allows. */
@Configuration(proxyBeanMethods = false)
class UiSecurityConfiguration {
    @Bean
    @Order(100)
    SecurityFilterChain dashboardChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/media/**").authenticated());
        http.with(vaadin(), v -> v.loginView(LoginView.class));
        return http.build();
    }
}
