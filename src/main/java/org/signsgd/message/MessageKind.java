package org.signsgd.message;

/** What a worker sends up: packed signs (sign rules) or a dense float vector (dense rules). */
public enum MessageKind {
  SIGN,
  DENSE;

  public String label() {
    return this == SIGN ? "sign" : "dense";
  }
}
