package org.signsgd.attack;

/**
 * What an optimising attack's search found in its last forge: the factor it sends with and how many candidates it
 * evaluated (the {@code attack_factor} and {@code attack_evaluations} columns of iterations/).
 */
public record AttackSearch(double factor, int evaluations) {}
