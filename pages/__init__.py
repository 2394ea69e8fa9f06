"""Page objects for the DNN / Evoq admin UI that the license flow touches.

They rely only on what a real Evoq page has (``shared/dnn-ui-spec.md``): DNN's own ids where
the spec gives them, otherwise roles, labels and visible text.
"""
