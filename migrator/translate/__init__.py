"""Translation building blocks shared by several rules: tflearn and TF1 defaults,
layer-call emission, the shared Siamese encoder. Not rules; rules import them."""
