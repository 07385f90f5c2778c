package org.signsgd.attack;

/** What an attack may look at: blind (own data only) or omniscient (also the honest vectors). */
public enum ThreatModel {
  /** The Byzantine workers' own messages and vectors only (they may collude with each other). */
  BLIND,
  /** Also every honest message of the same iteration, their sum and the reference gradient (rushing). */
  OMNISCIENT
}
