package dev.ditto.testing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Stands in, in the backend's test application, for the dashboard's form login (the ui module's Vaadin chain, order
 * 100): {@code POST /login} with {@code username} and {@code password} signs in through the same throttled
 * authentication provider and keeps the security context in the HTTP session, so tests hold a real session cookie
 * ({@code JSESSIONID}) as a browser would. Answers 204 when signed in, 401 when not.
 */
@Configuration(proxyBeanMethods = false)
class DashboardSessionLogin {
    @Bean
    @Order(100)
    SecurityFilterChain dashboardStandInChain(HttpSecurity http) throws Exception {
        return http.securityMatcher("/login")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .formLogin(f -> f.loginProcessingUrl("/login")
                        .successHandler((request, response, auth) -> response.setStatus(204))
                        .failureHandler((request, response, e) -> response.setStatus(401)))
                .csrf(c -> c.disable())
                .build();
    }
}
