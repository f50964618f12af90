"""The sample decision at intake. Until the sampler lands, a new review stays received."""
