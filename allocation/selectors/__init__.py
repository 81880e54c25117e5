"""POM case management reads.

handover_inputs: every prisoner's inputs to the handover calculation in one query.
"""

from allocation.selectors.handover_inputs import SENTENCE_FIELDS, HandoverInput, handover_inputs

__all__ = ["SENTENCE_FIELDS", "HandoverInput", "handover_inputs"]
