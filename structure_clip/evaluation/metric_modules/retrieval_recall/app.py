import evaluate
from evaluate.utils import launch_gradio_widget


module = evaluate.load("retrieval_recall.py")
launch_gradio_widget(module)
