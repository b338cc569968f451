"""A network's good-practice library: members submit, coordinators moderate, everyone reads."""
