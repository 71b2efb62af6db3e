"""What the recommender tells the features above it, without knowing them."""

from django.dispatch import Signal

# Sent once the new recommendations are committed, with `recommendation_ids`: the plans just drawn.
plans_drawn = Signal()
